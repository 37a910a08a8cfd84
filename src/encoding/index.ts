export { ConfigEncoder, type EncoderDims, type MetaFeatureRecord } from './config-encoder.ts';
export type { EncodingProblem, ParameterValues } from './compatibility.ts';
export { QUICKTUNE_SENTINELS, type EncoderOptions } from './options.ts';
export { parseEncoderState, type EncoderState } from './state.ts';
