export { loadConfig, renderConfigurationDoc, ConfigError, type Config, type RateLimitSetting } from "./config.js";
export { environmentSchema } from "./schema.js";
