// Module resolve hook: adds the `source` export condition so workspace packages load from src/.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('source')
    ? context.conditions
    : ['source', ...context.conditions]
  return nextResolve(specifier, { ...context, conditions })
}
