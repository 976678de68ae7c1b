/** `medflow:tuning-view`: shows live tuning studies (p.autotune() in a kernel) in cell outputs. */
import { liveViewPlugin } from '../live/view-plugin';
import { createStudyRendererFactory } from './renderer';

export const tuningViewPlugin = liveViewPlugin(
  'medflow:tuning-view',
  'Shows a medflow tuning study live in a cell output: trials, generations, top 5, Apply.',
  createStudyRendererFactory
);
