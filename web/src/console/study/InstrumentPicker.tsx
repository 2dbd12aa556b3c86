/**
 * Choosing a wave's instruments from the instrument library: which
 * instruments, which published version of each (the newest unless chosen
 * otherwise), and the registration reference an instrument's owners require
 * before it is used.
 */
import { useMemo } from 'react';
import type { InstrumentSummary } from '../../../../functions/contracts/instruments.js';
import { INSTRUMENTS_PATH, PageLink } from '../ui';

/** Per chosen instrument id: its version, and the registration reference typed for it. */
export type PickedInstruments = Record<string, { version: string; registration: string }>;

export function InstrumentPicker(props: { library: InstrumentSummary[]; picked: PickedInstruments; onChange(picked: PickedInstruments): void }) {
  const { picked, onChange } = props;
  const byId = useMemo(() => {
    const groups = new Map<string, InstrumentSummary[]>();
    // The library lists oldest first; offer the newest first.
    for (const version of props.library) groups.set(version.id, [version, ...(groups.get(version.id) ?? [])]);
    return [...groups.entries()];
  }, [props.library]);

  const toggle = (id: string, newest: string, on: boolean) => {
    const { [id]: _dropped, ...rest } = picked;
    onChange(on ? { ...rest, [id]: { version: newest, registration: '' } } : rest);
  };
  const change = (id: string, value: Partial<PickedInstruments[string]>) => onChange({ ...picked, [id]: { ...picked[id]!, ...value } });

  return (
    <fieldset>
      <legend>Instruments</legend>
      {byId.length === 0 && (
        <p className="notice notice-warn">
          No instrument is published yet: publish one in the <PageLink to={INSTRUMENTS_PATH}>instrument library</PageLink> first.
        </p>
      )}
      {byId.map(([id, versions]) => {
        const choice = picked[id];
        const chosen = versions.find((v) => v.version === choice?.version) ?? versions[0]!;
        return (
          <div key={id} className="instrument-choice">
            <label className="console-check">
              <input type="checkbox" checked={choice !== undefined} onChange={(e) => toggle(id, versions[0]!.version, e.target.checked)} />
              {chosen.title.en} <span className="muted">({id})</span>
            </label>
            {choice && (
              <>
                <label>
                  Version of {id}
                  <select value={choice.version} onChange={(e) => change(id, { version: e.target.value })}>
                    {versions.map((v, i) => (
                      <option key={v.version} value={v.version}>
                        {v.version}
                        {i === 0 ? ' (newest)' : ''}
                      </option>
                    ))}
                  </select>
                </label>
                {chosen.licence.requiresRegistration && (
                  <label>
                    Registration reference for {id} ({chosen.licence.name} requires registering with its owners before use)
                    <input required value={choice.registration} onChange={(e) => change(id, { registration: e.target.value })} />
                  </label>
                )}
              </>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** The wave request's pins and registrations. */
export function pinsOf(picked: PickedInstruments): { instruments: { id: string; version: string }[]; registrations?: Record<string, string> } {
  const entries = Object.entries(picked).sort(([a], [b]) => a.localeCompare(b));
  const registrations = Object.fromEntries(entries.filter(([, p]) => p.registration.trim() !== '').map(([id, p]) => [id, p.registration.trim()]));
  return {
    instruments: entries.map(([id, p]) => ({ id, version: p.version })),
    ...(Object.keys(registrations).length > 0 ? { registrations } : {}),
  };
}
