export type { Condition, Config, Domain, ParameterSpec, ParamValue, Pipeline, Scalar, SearchSpace } from './types.ts';
export { DEFAULT_SPACE_PATH, loadSpace, parseSpace, type SpaceParseResult } from './load-space.ts';
export { buildPool, configId, type PoolOptions } from './pool.ts';
export { configInSpace, sampleConfig } from './sample.ts';
export { describeDomain, domainSize, inDomain } from './domain.ts';
export { MODEL_PARAMETER } from './rules.ts';
export { activeParameters } from './conditions.ts';
