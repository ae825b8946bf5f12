// Where models are looked for when no `modelBaseUrl` is given: the `models/` folder at the root
// of the package, resolved against this module's URL. From the sources (src/runtime/model/) that
// is three folders up; the build (scripts/build.mjs) defines __CUGAN_MODELS_FOLDER__ for the
// dist/ files, one folder down from the root. Inside a site's own bundle the module URL is the
// bundle's, so sites that bundle pass `modelBaseUrl` (see README).

declare const __CUGAN_MODELS_FOLDER__: string | undefined;

export const DEFAULT_MODELS_FOLDER: string =
  typeof __CUGAN_MODELS_FOLDER__ === 'string' ? __CUGAN_MODELS_FOLDER__ : '../../../models/';

/** The default models folder as a URL (file: in Node). */
export function defaultModelsUrl(): URL {
  // String(...) keeps bundlers from treating this as a static asset reference
  // (`new URL('literal', import.meta.url)`), which a folder is not.
  return new URL(DEFAULT_MODELS_FOLDER, String(import.meta.url));
}
