/**
 * The house plan, checked: roles never import one another, shared layers never import a
 * role, nothing imports tests or benchmarks, and there are no import cycles.
 * See docs/architecture.md for the layers. Run by `npm run lint`.
 */
const ROLES = '^(ext-proc|control-plane|nodes|nginx)/';
const SHARED = '^(cluster|runtime|milvus|security|search|segment|storage|engine|filter|text|meta|envoy-schema|core|proto)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle: the layers must form a hierarchy. Generated protocol types mirror recursive messages, so they are exempt.',
      from: { pathNot: '^proto/generated/' },
      to: { circular: true },
    },
    {
      name: 'roles-apart',
      severity: 'error',
      comment: 'A role imports another role: move what both need into a shared layer (cluster/, runtime/, ...).',
      from: { path: ROLES },
      to: { path: ROLES, pathNot: '^$1/' },
    },
    {
      name: 'shared-below-roles',
      severity: 'error',
      comment: 'A shared layer imports a role or the CLI: shared layers sit below every role.',
      from: { path: SHARED },
      to: { path: '^(ext-proc|control-plane|nodes|nginx|cli|bin)/' },
    },
    {
      name: 'roles-below-cli',
      severity: 'error',
      comment: "A role imports the CLI: the CLI maps flags onto each role's own typed config.",
      from: { path: ROLES },
      to: { path: '^(cli|bin)/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Production code imports tests or benchmarks.',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.data|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
