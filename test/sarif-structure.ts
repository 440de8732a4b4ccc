// Structural checks from the SARIF 2.1.0 specification (OASIS, sections 3.11–3.52)
// for every object loopguard emits: required properties, types, enums,
// 1-based regions, relative URIs, rule indexes.
type Json = any;

export function sarifProblems(log: Json): string[] {
  const problems: string[] = [];
  const need = (cond: unknown, msg: string) => {
    if (!cond) problems.push(msg);
  };
  const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  const message = (m: Json, where: string) => need(m && typeof m.text === 'string' && m.text.length > 0, `${where}.message.text must be a non-empty string`);
  // `message` takes the message object itself: { text }.
  const artifact = (a: Json, where: string) => {
    need(a && typeof a.uri === 'string', `${where}.uri must be a string`);
    if (a && typeof a.uri === 'string') {
      need(!/^[a-z]+:/i.test(a.uri) && !a.uri.startsWith('/'), `${where}.uri must be relative, got ${a.uri}`);
      need(!/[\s\\]/.test(a.uri), `${where}.uri must be percent-encoded with forward slashes, got ${a.uri}`);
    }
    if (a && 'uriBaseId' in a) need(typeof a.uriBaseId === 'string', `${where}.uriBaseId must be a string`);
  };
  const region = (r: Json, where: string) => {
    need(isInt(r.startLine, 1), `${where}.startLine must be an integer >= 1`);
    if ('startColumn' in r) need(isInt(r.startColumn, 1), `${where}.startColumn must be an integer >= 1`);
    if ('endLine' in r) need(isInt(r.endLine, r.startLine), `${where}.endLine must be >= startLine`);
    if ('endColumn' in r) {
      need(isInt(r.endColumn, 1), `${where}.endColumn must be an integer >= 1`);
      if ((r.endLine ?? r.startLine) === r.startLine && 'startColumn' in r) need(r.endColumn > r.startColumn, `${where}.endColumn must be > startColumn on one line`);
    }
  };
  const location = (l: Json, where: string) => {
    need(l && typeof l === 'object', `${where} must be an object`);
    if (!l?.physicalLocation) return;
    artifact(l.physicalLocation.artifactLocation, `${where}.physicalLocation.artifactLocation`);
    if (l.physicalLocation.region) region(l.physicalLocation.region, `${where}.physicalLocation.region`);
    if (l.message) message(l.message, where);
  };

  need(log.version === '2.1.0', 'version must be "2.1.0"');
  need(typeof log.$schema === 'string' && log.$schema.includes('2.1.0'), '$schema must reference the 2.1.0 schema');
  need(Array.isArray(log.runs) && log.runs.length > 0, 'runs must be a non-empty array');
  for (const [ri, run] of (log.runs ?? []).entries()) {
    const w = `runs[${ri}]`;
    const driver = run.tool?.driver;
    need(driver && typeof driver.name === 'string' && driver.name.length > 0, `${w}.tool.driver.name is required`);
    const rules: Json[] = driver?.rules ?? [];
    const ids = new Set<string>();
    for (const [i, r] of rules.entries()) {
      need(typeof r.id === 'string' && r.id.length > 0, `${w}.tool.driver.rules[${i}].id is required`);
      need(!ids.has(r.id), `${w}.tool.driver.rules[${i}].id ${r.id} is duplicated`);
      ids.add(r.id);
      need(typeof r.shortDescription?.text === 'string', `rules[${i}].shortDescription.text is required`);
      need(typeof r.help?.text === 'string', `rules[${i}].help.text is required`);
      need(['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration?.level), `rules[${i}].defaultConfiguration.level must be a SARIF level`);
    }
    if ('columnKind' in run) need(['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind), `${w}.columnKind is invalid`);
    for (const [ii, inv] of (run.invocations ?? []).entries()) {
      need(typeof inv.executionSuccessful === 'boolean', `${w}.invocations[${ii}].executionSuccessful must be boolean`);
      for (const [ni, n] of (inv.toolExecutionNotifications ?? []).entries()) {
        message(n.message, `${w}.invocations[${ii}].toolExecutionNotifications[${ni}]`);
        need(['none', 'note', 'warning', 'error'].includes(n.level), `notification level must be a SARIF level`);
      }
    }
    need(Array.isArray(run.results), `${w}.results must be an array`);
    for (const [i, res] of (run.results ?? []).entries()) {
      const rw = `${w}.results[${i}]`;
      need(typeof res.ruleId === 'string' && ids.has(res.ruleId), `${rw}.ruleId must name a driver rule, got ${res.ruleId}`);
      if ('ruleIndex' in res) need(rules[res.ruleIndex]?.id === res.ruleId, `${rw}.ruleIndex must point at its rule`);
      need(['none', 'note', 'warning', 'error'].includes(res.level), `${rw}.level must be a SARIF level`);
      message(res.message, rw);
      need(Array.isArray(res.locations) && res.locations.length > 0, `${rw}.locations must be non-empty`);
      for (const [li, l] of (res.locations ?? []).entries()) location(l, `${rw}.locations[${li}]`);
      for (const [li, l] of (res.relatedLocations ?? []).entries()) {
        need(isInt(l.id, 0), `${rw}.relatedLocations[${li}].id must be a non-negative integer`);
        location(l, `${rw}.relatedLocations[${li}]`);
      }
      for (const [ci, cf] of (res.codeFlows ?? []).entries()) {
        need(Array.isArray(cf.threadFlows) && cf.threadFlows.length > 0, `${rw}.codeFlows[${ci}].threadFlows must be non-empty`);
        for (const tf of cf.threadFlows ?? []) {
          need(Array.isArray(tf.locations) && tf.locations.length > 0, `${rw}.codeFlows[${ci}] threadFlow.locations must be non-empty`);
          for (const tl of tf.locations ?? []) location(tl.location, `${rw}.codeFlows[${ci}] threadFlow location`);
        }
      }
    }
  }
  return problems;
}
