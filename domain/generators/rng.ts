export { type Rng, createRng as seededRng, deriveSeed, drawIndex } from '../shared/rng';
