/**
 * A probe the firmware cannot see, for the real interpreter: a 5 ms interval that keeps the
 * longest gap between its own runs (ms, on getTime(), the device clock) and the most variables
 * in use (sampled every 10th run without a garbage collection). The gap is the longest time
 * anything kept the event loop busy. Used by `solkit build --measure` and the device tier.
 */
export const PROBE_INSTALL =
  "(global.__probe={last:getTime(),gap:0,peak:0,n:0},setInterval(function(){var p=__probe,t=getTime(),d=(t-p.last)*1000;if(d>p.gap)p.gap=d;p.last=t;if(++p.n%10==0){var u=process.memory(false).usage;if(u>p.peak)p.peak=u;}},5),1)";

/** Reads and resets the probe: {gapMs, peakVars}. */
export const PROBE_READ = "(function(){var p=__probe,r={gapMs:Math.round(p.gap),peakVars:p.peak};p.gap=0;p.peak=0;p.last=getTime();return r;})()";
