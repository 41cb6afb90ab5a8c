export async function benchMaterialize() {}
