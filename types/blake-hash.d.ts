declare module "blake-hash/js.js" {
  interface Hasher {
    update(data: Uint8Array): Hasher;
    digest(): Buffer;
  }
  export default function createBlakeHash(
    algorithm: "blake512" | "blake256" | "blake224" | "blake384",
  ): Hasher;
}
