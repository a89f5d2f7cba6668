/** Version of the engine's rules: bump when any projected figure can change. */
export const ENGINE_VERSION = 'engine-2';
