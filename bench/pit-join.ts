export async function benchPit() {}
