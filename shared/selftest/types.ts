/** Outcome of one golden-vector case, as every portable self-test runner reports it. */
export interface CaseResult {
  name: string;
  ok: boolean;
  detail: string;
}
