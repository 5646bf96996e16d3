export { loadSyntheticPatients, type SyntheticLoadOptions, type SyntheticLoadProgress, type SyntheticLoadResult } from "./load-synthetic.js";
export { syntheticPatientBundle, syntheticPatientNumber, syntheticPatientNumberSystem } from "./synthetic-patient.js";
