/**
 * The shapes the pipeline (pipeline.ts) works with: what links hand it and get back, what it
 * tells the gateway after a commit, and the state of one frame and one batch on the way.
 */
import type { Verifier } from "../../shared/crypto/types";
import type { AUTHENTICATED, ChainItem, ChainState, PENDING } from "../../shared/protocol/chain";
import type { Reading } from "../../shared/protocol/reading";
import type { VerifyWorker } from "../crypto/verify-worker";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import type { Job as QueuedJob } from "./precheck";
import type { DeviceRecord, Registry } from "./registry";
import type { Spool, SpoolItem } from "./spool";
import type { Db, ReadingStore } from "./store-sqlite";
import type { WalSync } from "./wal-sync";

/** The link a frame came over, and how to answer on it. */
export interface LinkContext {
  /** "serial:/dev/ttyUSB0", "mqtt", … (logs, metrics, registry). */
  name: string;
  /** Whether readings from this link are published upstream (not when they already are there). */
  relay: boolean;
  /** Sends ack bytes to the device over this link. */
  sendAck(device: DeviceRecord, ack: Uint8Array): void;
}

/** Readings stored in one commit for one device, and the seq of the signature that proved them. */
export interface VerifiedBatch {
  device: string;
  bySeq: number;
  readings: { reading: Reading; receivedAt: number }[];
}

/** An authenticated reading, after its commit. */
export interface Accepted {
  device: DeviceRecord;
  reading: Reading;
  receivedAt: number;
  link: LinkContext;
}


export interface PipelineDeps {
  db: Db;
  registry: Registry;
  readings: ReadingStore;
  spool: Spool;
  metrics: Metrics;
  logger: Logger;
  verifier: Verifier;
  /**
   * Checks each batch's signatures on another thread before its transaction, while the event
   * loop commits the batch before it (verify-worker.ts). Without it, verification runs inside
   * the transaction on the event loop.
   */
  verifyWorker?: VerifyWorker;
  /**
   * Syncs each batch's commit to disk off the event loop before its acks (wal-sync.ts).
   * Without it, SQLite syncs inside the commit (synchronous=FULL) and the acks follow at once.
   */
  walSync?: WalSync;
  site: string;
  /** The database's file, for messages. */
  dbFile?: string;
  /** Upstream is the broker the MQTT link listens on: relayed readings come back there. */
  upstreamIsLocal?: boolean;
  /** After each commit: newest authenticated reading per device (retained state, HA). */
  onAccepted?(a: Accepted): void;
  /** After the commit: the readings one signature proved, oldest first (what the dashboard draws). */
  onVerified?(v: VerifiedBatch): void;
  /** After a commit that queued upstream messages. */
  onSpooled?(): void;
  now?(): number;
}

export interface Pending {
  item: ChainItem;
  reading: Reading;
  hash: Uint8Array;
  receivedAt: number;
}

export interface Job extends QueuedJob {
  link: LinkContext;
}

/** How a frame ended: the device to ack (after the commit), the reading accepted, whether anything was spooled. */
export interface Outcome {
  ack?: DeviceRecord;
  accepted?: Accepted;
  spooled: boolean;
}

/** A batch being committed: its frames, and what their commit allows (acks, notices, the upstream kick). */
export interface Batch {
  jobs: Job[];
  acks: Map<string, { device: DeviceRecord; link: LinkContext }>;
  accepted: Map<string, Accepted>;
  /** Readings stored and declared dropped: counted once the batch commits. */
  counts: { verified: number; dropped: number };
  /** The readings each signature proved, for the notices after the commit. */
  verified: VerifiedBatch[];
  /** The upstream messages it spooled, for the spool to hand out from memory once committed. */
  spooledItems: SpoolItem[];
  /** Echo markers it set (undone if it rolls back). */
  echoes: string[];
}

/** What the steps after look-up share about one frame; dedup and verify may shorten `pend`. */
export interface FrameCtx {
  job: Job;
  reading: Reading;
  id: string;
  dev: DeviceRecord;
  now: number;
  hash: Uint8Array;
  item: ChainItem;
  pend: Pending[];
  tipSeq: number;
}

/** The verdict that lets a frame on: pending or authenticated, the chain state after it, and every reading it carries. */
export interface Verified {
  status: typeof PENDING | typeof AUTHENTICATED;
  state: ChainState;
  all: Pending[];
}
