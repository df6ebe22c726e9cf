// ESLint rule: bounded contexts talk only through their public index.
//  - a file in libs/<name>/ imports another library only as `#lib/<other>` (its index.ts), never by a relative path;
//  - `#lib/<name>/deeper` is refused: the index is the library's whole public surface;
//  - a library never imports itself through `#lib/<name>` (that is a cycle through its own index);
//  - a file in apps/<name>/ never imports another app;
//  - a library imports only the libraries its row of ALLOWED_DEPENDENCIES lists: data flows one way,
//    probe result → detection → incidents (+ outbox) ⇢ alerts / runbooks → reports, never back up.
import path from 'node:path';

/**
 * Which library may depend on which (through its index.ts). A new edge is a design decision: add it here, in the
 * direction of the flow. Infrastructure (config, common, persistence, secrets, observability, mail, egress) is
 * below everything; `reports` is at the end of the flow and may read any context upstream.
 */
export const ALLOWED_DEPENDENCIES = {
  common: [],
  config: [],
  secrets: ['config'],
  persistence: ['config'],
  observability: ['common', 'config'],
  mail: ['common', 'config', 'egress', 'secrets'],
  egress: ['config'],
  runtime: ['config', 'persistence', 'secrets'],
  tenancy: ['common', 'config', 'persistence'],
  executors: ['egress'],
  // Probes sit below inventory: each probe kind declares its config schema beside its runner, and inventory validates
  // monitors against that registry.
  probes: ['common', 'egress', 'executors'],
  inventory: ['common', 'egress', 'executors', 'persistence', 'probes', 'secrets', 'tenancy'],
  incidents: ['common', 'config', 'inventory', 'observability', 'tenancy'],
  vantages: ['common', 'config', 'inventory', 'persistence', 'secrets', 'tenancy'],
  detection: ['common', 'config', 'egress', 'incidents', 'inventory', 'observability', 'persistence', 'probes', 'secrets', 'tenancy', 'vantages'],
  // On-call (issue 20): schedules and people, below alerts, which resolve an escalation step's schedule or person through its port.
  oncall: ['common', 'config', 'secrets', 'tenancy'],
  alerts: ['common', 'config', 'detection', 'egress', 'incidents', 'inventory', 'mail', 'oncall', 'secrets', 'tenancy'],
  runbooks: ['common', 'config', 'detection', 'egress', 'executors', 'incidents', 'inventory', 'persistence', 'probes', 'secrets', 'tenancy'],
  reports: ['common', 'config', 'detection', 'incidents', 'inventory', 'mail', 'secrets', 'tenancy'],
  // The live demo company sits at the end of the flow like reports: it builds a tenant through the API and runs servers.
  demo: ['common', 'config', 'egress', 'mail', 'runbooks', 'tenancy'],
  // Fleet as code (issue 16): reads and writes the inventory through its port, remembers what it applied. It also
  // writes what is configured about the inventory downstream of it — maintenance windows through detection's port
  // (MaintenanceFleetPort), customers' SLA targets through reports' (SlaFleetPort), monitors' vantage assignments
  // through vantages' (VantageFleetPort), runbooks through runbooks' (RunbookFleetPort), alert channels and
  // escalation policies through alerts' (AlertFleetPort), whose steps name on-call schedules (read by name through
  // on-call's PagingTargets) — so it sits after them, at the end of the flow; nothing upstream depends on fleet (only
  // importers, which write fleet files).
  fleet: ['alerts', 'common', 'config', 'detection', 'egress', 'inventory', 'oncall', 'persistence', 'probes', 'reports', 'runbooks', 'secrets', 'tenancy', 'vantages'],
  // Status pages (issue 17) sit after reports: availability only through the reports port, current health through
  // detection's, names and customer links through inventory's, incident drafts from the incidents outbox; subscribers'
  // mail through the tenant's own transport (mail), their webhooks through the egress policy (egress).
  'status-pages': ['common', 'config', 'detection', 'egress', 'incidents', 'inventory', 'mail', 'observability', 'reports', 'secrets', 'tenancy'],
  // Importers read other tools' files into Vigia's terms, checked against the probe registry, and write a fleet file.
  importers: ['common', 'fleet', 'probes'],
};

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function unitOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  if ((rel[0] === 'libs' || rel[0] === 'apps') && rel.length > 2) return { kind: rel[0], name: rel[1], dir: path.join(ROOT, rel[0], rel[1]) };
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const boundaries = {
  meta: { type: 'problem', docs: { description: 'bounded contexts import each other only through #lib/<name>' }, schema: [] },
  create(context) {
    const file = context.filename;
    const unit = unitOf(file);
    if (!unit) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const libImport = /^#lib\/([^/]+)(\/.*)?$/.exec(source);
      if (libImport) {
        if (libImport[2]) context.report({ node, message: `import '${`#lib/${libImport[1]}`}' only: its index.ts is the library's public surface` });
        else if (unit.kind === 'libs' && libImport[1] === unit.name) context.report({ node, message: `a library does not import itself through '${source}': use a relative path` });
        else if (unit.kind === 'libs' && !(ALLOWED_DEPENDENCIES[unit.name] ?? []).includes(libImport[1])) {
          context.report({ node, message: `library '${unit.name}' may not depend on '${libImport[1]}' (data flows one way; ALLOWED_DEPENDENCIES in tools/eslint/boundaries.js)` });
        }
        return;
      }
      if (!source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (target.startsWith(unit.dir + path.sep)) return;
      const other = unitOf(target);
      if (unit.kind === 'apps' && other?.kind === 'apps') context.report({ node, message: `apps never import each other ('${source}')` });
      else if (other?.kind === 'libs') context.report({ node, message: `import library '${other.name}' as '#lib/${other.name}', not by a relative path` });
      else context.report({ node, message: `'${source}' reaches outside ${unit.kind}/${unit.name}` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
