// Where models are looked for when no `modelBaseUrl` is given: the `models/` folder at the root
// of the package, resolved against this module's URL. From the sources (src/runtime/model/) that
// is three folders up; the build (scripts/build.mjs) defines __CUGAN_MODELS_FOLDER__ for the
// dist/ files, one folder down from the root.

declare const __CUGAN_MODELS_FOLDER__: string | undefined;

export const DEFAULT_MODELS_FOLDER: string =
  typeof __CUGAN_MODELS_FOLDER__ === 'string' ? __CUGAN_MODELS_FOLDER__ : '../../../models/';
