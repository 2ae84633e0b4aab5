#!/usr/bin/env node
/**
 * Checks the layer rules of layers.config.json (which folder may import which; issue 12) on every
 * .ts/.tsx file under the configured roots, with TypeScript's own parser, so that a wrong import
 * fails `npm run lint:layers` and CI instead of waiting for review. dependency-cruiser would do
 * the same; this keeps the project free of another dev dependency.
 *
 *   node scripts/check-layers.mjs [--root <repo folder>] [--config <file>]
 *
 * Exit 0: no violation; 1: violations (one line each, file:line); 2: bad arguments or config.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { z } from 'zod';

const targetSpec = z
  .object({
    builtins: z.boolean().optional(),
    packages: z.array(z.string().min(1)).optional(),
    layers: z.array(z.string().min(1)).optional(),
    files: z.array(z.string().min(1)).optional(),
  })
  .strict();
const ruleSchema = z
  .object({
    name: z.string().min(1),
    comment: z.string().min(1),
    from: z.array(z.string().min(1)).optional(),
    fromFiles: z.array(z.string().min(1)).optional(),
    forbidden: targetSpec.optional(),
    allowed: targetSpec.optional(),
    typeOnlyAllowed: targetSpec.optional(),
  })
  .strict()
  .refine((rule) => rule.from || rule.fromFiles, 'a rule needs "from" (layers) or "fromFiles"')
  .refine((rule) => rule.forbidden || rule.allowed, 'a rule needs "forbidden" or "allowed"');
const configSchema = z
  .object({
    $comment: z.string().optional(),
    roots: z.array(z.string().min(1)).min(1),
    layers: z.record(z.string(), z.string().min(1)),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

const BUILTINS = new Set(builtinModules);

/** Loads and checks the config: every layer a rule names must be defined. @throws Error with what was wrong */
function loadLayerConfig(path) {
  const parsed = configSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  for (const rule of config.rules) {
    const named = [
      ...(rule.from ?? []),
      ...[rule.forbidden, rule.allowed, rule.typeOnlyAllowed].flatMap((spec) => spec?.layers ?? []),
    ];
    for (const layer of named)
      if (!(layer in config.layers))
        throw new Error(`${path}: rule ${rule.name}: expected a layer of "layers" but received "${layer}"`);
  }
  return config;
}

/** Every import of one source file: specifier, line and whether it is erased at build time. */
function importsOf(fileName, text) {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found = [];
  const add = (specifier, typeOnly, node) => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    found.push({
      specifier: specifier.text,
      typeOnly,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named =
        clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      // `import { type A, type B } from` is erased too; a bare `import 'x'` runs x.
      const allTypes =
        clause !== undefined && !clause.name && named !== null && named.length > 0 && named.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || allTypes, node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      add(
        node.moduleSpecifier,
        node.isTypeOnly || (named !== null && named.length > 0 && named.every((e) => e.isTypeOnly)),
        node,
      );
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, node);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function layerOf(config, relPath) {
  let best = null;
  for (const [name, prefix] of Object.entries(config.layers)) {
    if (
      (relPath === prefix || relPath.startsWith(prefix)) &&
      (best === null || prefix.length > config.layers[best].length)
    )
      best = name;
  }
  return best;
}

/** What an import names: a Node builtin, a package, or a repository file (with its layer). */
function targetOf(config, fromRel, specifier) {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]))
    return { type: 'builtin', name: specifier };
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return { type: 'package', name: specifier };
  const file = posix
    .normalize(posix.join(posix.dirname(fromRel), specifier))
    .replace(/\.js$/, '.ts')
    .replace(/\.jsx$/, '.tsx');
  return { type: 'file', name: file, layer: layerOf(config, file) };
}

function packageMatches(patterns, name) {
  return patterns.some((pattern) =>
    pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}

function matches(spec, target) {
  if (!spec) return false;
  switch (target.type) {
    case 'builtin':
      return spec.builtins === true;
    case 'package':
      return packageMatches(spec.packages ?? [], target.name);
    case 'file': {
      const bare = target.name.replace(/\.tsx?$/, '');
      return (
        (target.layer !== null && (spec.layers ?? []).includes(target.layer)) ||
        (spec.files ?? []).some((f) => f.replace(/\.tsx?$/, '') === bare)
      );
    }
    default:
      throw new Error(`unreachable target type ${target.type}`);
  }
}

function breaks(rule, target, typeOnly) {
  if (typeOnly && matches(rule.typeOnlyAllowed, target)) return false;
  if (matches(rule.forbidden, target)) return true;
  return rule.allowed !== undefined && !matches(rule.allowed, target);
}

function sourceFiles(repo, root) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return; // a configured root this checkout does not have
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(repo, root));
  return out;
}

/** All violations of `config` under `repo`: `{ file, line, specifier, rule, comment }`. */
function checkLayers(repo, config) {
  const violations = [];
  for (const root of config.roots) {
    for (const path of sourceFiles(repo, root)) {
      const rel = relative(repo, path).split(sep).join('/');
      const layer = layerOf(config, rel);
      const rules = config.rules.filter(
        (rule) => (layer !== null && rule.from?.includes(layer)) || rule.fromFiles?.includes(rel),
      );
      if (rules.length === 0) continue;
      for (const { specifier, typeOnly, line } of importsOf(rel, readFileSync(path, 'utf8'))) {
        const target = targetOf(config, rel, specifier);
        for (const rule of rules) {
          if (breaks(rule, target, typeOnly))
            violations.push({ file: rel, line, specifier, typeOnly, rule: rule.name, comment: rule.comment });
        }
      }
    }
  }
  return violations;
}

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  let values;
  try {
    ({ values } = parseArgs({ options: { root: { type: 'string' }, config: { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`check-layers: ${error.message}\n`);
    return 2;
  }
  const repo = resolve(values.root ?? join(here, '..'));
  let config;
  try {
    config = loadLayerConfig(values.config ? resolve(values.config) : join(repo, 'layers.config.json'));
  } catch (error) {
    process.stderr.write(`check-layers: ${error.message}\n`);
    return 2;
  }
  const violations = checkLayers(repo, config);
  for (const v of violations) {
    process.stdout.write(
      `${v.file}:${v.line}: ${v.typeOnly ? 'type ' : ''}import '${v.specifier}' breaks ${v.rule}: ${v.comment}\n`,
    );
  }
  process.stdout.write(
    violations.length === 0 ? 'layer rules: ok\n' : `layer rules: ${violations.length} violation(s)\n`,
  );
  return violations.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
