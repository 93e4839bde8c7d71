/** The board facts `solkit build` embeds into the Node target's bundle (toolchain/node-target.ts). */
declare module "solkit:board" {
  const board: import("./facts").NodeBoardFacts;
  export default board;
}
