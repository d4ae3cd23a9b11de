/**
 * The separately bundled PDF/A renderer (dist/extension/background/pdfa-render.js, ES module):
 * pdf-lib and fontkit (about 1 MB) are loaded only when the user asks for a PDF/A copy, never
 * at the background's start. Neither needs eval: the only `Function(...)` in fontkit's bundle is
 * the `function-bind` polyfill, used only where `Function.prototype.bind` is missing.
 */
export { renderCdaPdfA } from '../../../shared/domain/pdf/render';
