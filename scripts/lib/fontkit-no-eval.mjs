// esbuild plugin for the PDF/A renderer bundle (scripts/build.mjs): @pdf-lib/fontkit's
// prebuilt bundle inlines two npm polyfills that mention eval — `function-bind` builds a bound
// function with `Function(...)` (used only when `Function.prototype.bind` is missing, never in
// Thunderbird) and `get-intrinsic` keeps a reference to `eval` in its table of intrinsics
// (never called by fontkit). Neither runs, but the extension's strict CSP and `web-ext lint`
// (DANGEROUS_EVAL) should not have to take that on trust: both are replaced by eval-free
// equivalents. The build fails if fontkit's text changes, so a new fontkit is looked at again.
import { readFile } from 'node:fs/promises';

const PATCHES = [
  [
    "bound = Function('binder', 'return function (' + boundArgs.join(',') + '){ return binder.apply(this,arguments); }')(binder);",
    'bound = function () { return binder.apply(this, arguments); };',
  ],
  ["'%eval%': eval,", "'%eval%': undefined,"],
];

export const fontkitNoEval = {
  name: 'fontkit-no-eval',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@pdf-lib[\\/]fontkit[\\/]dist[\\/]fontkit\.es\.js$/ },
      async (args) => {
        let contents = await readFile(args.path, 'utf8');
        for (const [from, to] of PATCHES) {
          if (contents.split(from).length !== 2)
            throw new Error(
              `fontkit-no-eval: expected exactly one «${from.slice(0, 40)}…» in ${args.path}`,
            );
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js' };
      },
    );
  },
};
