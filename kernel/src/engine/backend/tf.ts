/**
 * The one TensorFlow.js namespace of the engine. Every engine file imports `tf` from
 * `./backend` (this module) rather than from '@tensorflow/tfjs' directly, so that there is a
 * single place that decides which package instance is used and which backend is active.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
