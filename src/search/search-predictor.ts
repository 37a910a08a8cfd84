import { loadModelHub } from '../hub/model-hub.ts';
import type { Predictor } from '../predictor/types.ts';

/**
 * The predictor of a real search: `--predictor DIR`, or the checkpoint shipped under metadata/predictor. The
 * model hub is passed along so that models the meta-dataset never saw (e.g. the tfjs trainer's) are encoded by
 * their hub descriptors. Loaded lazily: the predictor brings tfjs.
 */
export async function loadSearchPredictor(dir: string | undefined): Promise<Predictor> {
  const { DEFAULT_PREDICTOR_DIR, loadPredictor } = await import('../predictor/deep-kernel-predictor.ts');
  return loadPredictor(dir ?? DEFAULT_PREDICTOR_DIR(), { hub: await loadModelHub() });
}
