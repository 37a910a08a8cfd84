export type { CurvePoint, FitOptions, FitReport, MetaFeatures, ObservedPoint, Prediction, Predictor, TaskPredictor, TaskPredictorOptions } from './types.ts';
export { DEFAULT_PREDICTOR_DIR, DeepKernelPredictor, loadDefaultPredictor, loadPredictor, predictorFromCheckpoint } from './deep-kernel-predictor.ts';
export { loadCheckpoint, saveCheckpoint, type PredictorCheckpoint, type PredictorManifest } from './checkpoint.ts';
export { metaTrain, type MetaTrainOptions, type MetaTrainProgress, type MetaTrainResult } from './meta-train/meta-train.ts';
export { foldTrainer, loadPredictorFor } from './fold-training.ts';
export { DEFAULT_RECIPE, RECIPES, type Recipe, type RecipeName } from './recipes.ts';
