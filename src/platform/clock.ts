/**
 * The injected clock. Domain code takes `now` as an argument; only the edges read it from here.
 * Under AFTERSALE_TEST_CLOCK the offset moves forward so tests can cross deadlines without sleeping.
 */
export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): Date {
    this.offsetMs += seconds * 1000;
    return this.now();
  }
}

export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

/** The calendar date in Asia/Shanghai, where the business lives (UTC+8, no daylight saving). */
export function shanghaiDate(at: Date): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
} {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}
