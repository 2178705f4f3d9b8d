/** The artifact directory of the store being served (artifactDirFor(store)): where the HTTP diff finds grammar θ. */
export const ARTIFACTS_DIR = Symbol('ARTIFACTS_DIR');
