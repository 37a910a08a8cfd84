/** Default memory for cached frozen-prefix activations (QUICKTUNE_TFJS_FEATURE_CACHE_MB), in bytes. */
export const DEFAULT_FEATURE_CACHE_BYTES = 1536 * 2 ** 20;

/** Default peak activation memory of one training micro-batch (QUICKTUNE_TFJS_ACTIVATION_MB), in bytes. */
export const DEFAULT_ACTIVATION_BYTES = 1024 * 2 ** 20;
