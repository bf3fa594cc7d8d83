export { Figure, colormap, type RGB } from './figure.js';
