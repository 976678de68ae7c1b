/** `medflow:training-view`: shows live training runs (p.train() in a kernel) in cell outputs. */
import { liveViewPlugin } from '../live/view-plugin';
import { createTrainingRendererFactory } from './renderer';

export const trainingViewPlugin = liveViewPlugin(
  'medflow:training-view',
  'Shows a medflow training run live in a cell output: charts, stop button, results.',
  createTrainingRendererFactory
);
