import type { AppStatus } from "../ipc";

export const readyStatus: AppStatus = {
  version: "0.1.0",
  platform: "linux x86_64",
  dataDir: "/home/listener/.local/share/shrimp",
  dataDirWritable: true,
  uptimeSeconds: 75,
};
