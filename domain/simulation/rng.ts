export { type Rng, createRng, deriveSeed } from '../shared/rng';
