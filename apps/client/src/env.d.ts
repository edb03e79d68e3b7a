/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_FRAME_INTERVAL_MS?: string;
}
