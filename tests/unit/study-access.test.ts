/** The rules of study membership and data access groups (functions/domain/study-access.ts). */
import { describe, expect, it } from 'vitest';
import { checkMembershipGrant, effectiveStudyRole, exportVisibleTo, groupOf, seesParticipant, type StudyAccess } from '../../functions/domain/study-access.js';

const grouped: StudyAccess = { studyId: 's', role: 'researcher', group: { attribute: 'local_authority', value: 'cardiff' } };
const whole: StudyAccess = { studyId: 's', role: 'researcher' };

describe('study roles', () => {
  it('caps a member’s study role by their platform role at every request', () => {
    expect(effectiveStudyRole('owner', 'researcher')).toBe('owner');
    expect(effectiveStudyRole('owner', 'admin')).toBe('owner');
    expect(effectiveStudyRole('owner', 'analyst')).toBe('analyst');
    expect(effectiveStudyRole('researcher', 'analyst')).toBe('analyst');
    expect(effectiveStudyRole('analyst', 'researcher')).toBe('analyst');
  });

  it('refuses a grant above the platform role, a grouped owner, and a group the study does not have', () => {
    const study = { groupBy: 'local_authority', groups: ['cardiff', 'swansea'] };
    expect(checkMembershipGrant({ role: 'researcher', platformRole: 'analyst' }, study)?.code).toBe('role_not_allowed');
    expect(checkMembershipGrant({ role: 'owner', group: 'cardiff', platformRole: 'researcher' }, study)?.code).toBe('group_not_allowed');
    expect(checkMembershipGrant({ role: 'researcher', group: 'newport', platformRole: 'researcher' }, study)?.code).toBe('group_unknown');
    expect(checkMembershipGrant({ role: 'researcher', group: 'cardiff', platformRole: 'researcher' }, { groups: [] })?.code).toBe('group_unknown');
    expect(checkMembershipGrant({ role: 'researcher', group: 'cardiff', platformRole: 'researcher' }, study)).toBeUndefined();
    expect(checkMembershipGrant({ role: 'analyst', platformRole: 'analyst' }, study)).toBeUndefined();
  });
});

describe('data access groups', () => {
  it('let a grouped member see their group’s participants only, and an ungrouped one everyone', () => {
    expect(seesParticipant(grouped, { attributes: { local_authority: 'cardiff' } })).toBe(true);
    expect(seesParticipant(grouped, { attributes: { local_authority: 'swansea' } })).toBe(false);
    expect(seesParticipant(grouped, {})).toBe(false);
    expect(seesParticipant(whole, { attributes: { local_authority: 'swansea' } })).toBe(true);
  });

  it('never place an owner in a group, nor anyone in a study without groups', () => {
    expect(groupOf({ role: 'owner', group: 'cardiff' }, 'local_authority')).toBeUndefined();
    expect(groupOf({ role: 'researcher', group: 'cardiff' }, undefined)).toBeUndefined();
    expect(groupOf({ role: 'analyst', group: 'cardiff' }, 'local_authority')).toEqual({ attribute: 'local_authority', value: 'cardiff' });
  });

  it('show a grouped member only their group’s exports', () => {
    const ofCardiff = { options: { group: { attribute: 'local_authority', value: 'cardiff' } } };
    const wholeStudy = { options: {} };
    expect(exportVisibleTo(grouped, ofCardiff)).toBe(true);
    expect(exportVisibleTo(grouped, wholeStudy)).toBe(false);
    expect(exportVisibleTo(grouped, { options: { group: { attribute: 'local_authority', value: 'swansea' } } })).toBe(false);
    expect(exportVisibleTo(whole, ofCardiff)).toBe(true);
  });
});
