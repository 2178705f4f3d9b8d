export * from './descriptive';
export * from './intervals';
export * from './student-t';
export * from './normal';
export * from './correlation';
export * from './proxy-reliability';
export { logGamma, regularizedBeta, regularizedGammaQ, erfc } from './special-functions';
export * from './trend';
export * from './variance-components';
