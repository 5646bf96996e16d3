export { loadConfig, renderConfigurationDoc, ConfigError, type Config } from "./config.js";
