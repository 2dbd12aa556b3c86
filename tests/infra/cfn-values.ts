/**
 * Evaluates CloudFormation values of a synthesised template as CloudFormation
 * would at deploy, for the intrinsic functions the Pont templates use in the
 * values tests look at (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split),
 * with made-up pseudo parameters and attributes. And finds dependency cycles,
 * which CloudFormation refuses at deploy and `cdk synth` does not notice
 * within one stack.
 */

export const PSEUDO = {
  'AWS::StackId': 'arn:aws:cloudformation:eu-west-2:123456789012:stack/Pont-test/0f8fad5b-d9cb-469f-a165-70867728950e',
  'AWS::Region': 'eu-west-2',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
} as const;

/** Resolves `value`; `attributes` gives Ref and Fn::GetAtt results of resources ("Id" or "Id.Attribute"). */
export function evaluate(value: unknown, attributes: Record<string, string> = {}): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const o = value as Record<string, any>;
  if (typeof o?.Ref === 'string') {
    const found = (PSEUDO as Record<string, string>)[o.Ref] ?? attributes[o.Ref];
    if (found === undefined) throw new Error(`No value for Ref ${o.Ref}`);
    return found;
  }
  if (Array.isArray(o?.['Fn::GetAtt'])) {
    const key = o['Fn::GetAtt'].join('.');
    if (attributes[key] === undefined) throw new Error(`No value for Fn::GetAtt ${key}`);
    return attributes[key];
  }
  if (Array.isArray(o?.['Fn::Join'])) return (o['Fn::Join'][1] as unknown[]).map((part) => evaluate(part, attributes)).join(o['Fn::Join'][0]);
  if (Array.isArray(o?.['Fn::Select'])) {
    const list = evaluateList(o['Fn::Select'][1], attributes);
    const item = list[Number(o['Fn::Select'][0])];
    if (item === undefined) throw new Error(`Fn::Select out of range: ${JSON.stringify(o)}`);
    return item;
  }
  throw new Error(`Cannot evaluate ${JSON.stringify(value)}`);
}

function evaluateList(value: unknown, attributes: Record<string, string>): string[] {
  const o = value as Record<string, any>;
  if (Array.isArray(o?.['Fn::Split'])) return evaluate(o['Fn::Split'][1], attributes).split(o['Fn::Split'][0]);
  if (Array.isArray(value)) return value.map((v) => evaluate(v, attributes));
  throw new Error(`Cannot evaluate a list from ${JSON.stringify(value)}`);
}

/** Every resource a resource depends on: DependsOn, and each Ref, Fn::GetAtt or ${…} in Fn::Sub that names a resource. */
export function dependenciesOf(resource: { DependsOn?: string | string[]; Properties?: unknown }, resourceIds: ReadonlySet<string>): Set<string> {
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    if (typeof o.Ref === 'string' && resourceIds.has(o.Ref)) found.add(o.Ref);
    if (Array.isArray(o['Fn::GetAtt']) && resourceIds.has(o['Fn::GetAtt'][0])) found.add(o['Fn::GetAtt'][0]);
    const sub = o['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
    if (typeof text === 'string') {
      for (const [, name] of text.matchAll(/\$\{([^}.!]+)[^}]*\}/g)) if (name && resourceIds.has(name)) found.add(name);
    }
    Object.values(o).forEach(walk);
  };
  walk(resource.Properties);
  return found;
}

/** A dependency cycle among the template's resources (as a list of ids, first = last), or undefined. */
export function findCycle(resources: Record<string, { DependsOn?: string | string[]; Properties?: unknown }>): string[] | undefined {
  const ids = new Set(Object.keys(resources));
  const edges = new Map([...ids].map((id) => [id, dependenciesOf(resources[id]!, ids)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
