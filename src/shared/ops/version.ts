/**
 * quiver's version, as package.json states it: one source of truth, bundled as JSON data where
 * the code runs without a file system (Workers).
 */
import packageJson from '../../../package.json' with { type: 'json' };

/** The running code's version (semver text). */
export const QUIVER_VERSION: string = packageJson.version;
