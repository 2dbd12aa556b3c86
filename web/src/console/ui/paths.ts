/** The console's addresses (Console.tsx routes them). */
export const STUDIES_PATH = '/console';
export const PEOPLE_PATH = '/console/people';
export const INSTRUMENTS_PATH = '/console/instruments';

export const studyPath = (studyId: string) => `/console/studies/${encodeURIComponent(studyId)}`;
export const wavePath = (studyId: string, waveId: string) => `/console/studies/${encodeURIComponent(studyId)}/waves/${encodeURIComponent(waveId)}`;
export const exportsPath = (studyId: string) => `/console/studies/${encodeURIComponent(studyId)}/exports`;
export const sroiPath = (studyId: string) => `/console/studies/${encodeURIComponent(studyId)}/sroi`;
export const membersPath = (studyId: string) => `/console/studies/${encodeURIComponent(studyId)}/members`;
