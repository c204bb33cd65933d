/** Every feature of the simulated ConnectX-7, installed in this order at power-on. */
import { SimFeature } from './feature';
import { memoryFeature } from './memory';
import { objectsFeature } from './objects';
import { registersFeature } from './registers';

export const simFeatures: readonly SimFeature[] = [objectsFeature, memoryFeature, registersFeature];
