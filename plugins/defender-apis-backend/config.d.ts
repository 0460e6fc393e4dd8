export interface Config {
  /** Configuration of the Defender for APIs plugins. */
  defenderApis?: {
    azure?: {
      /**
       * Azure Resource Manager endpoint. Defaults to https://management.azure.com; the ARM
       * emulator's URL in development.
       */
      resourceManagerEndpoint?: string;
    };
  };
}
