/**
 * Types, annotation parsing, status derivation and permissions shared by the
 * Defender for APIs plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './annotations';
export * from './status';
export * from './coverage';
export * from './links';
export * from './permissions';
export * from './client';
export * from './shadowApis';
export * from './history';
export * from './attackPaths';
