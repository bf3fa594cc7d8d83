import { fail } from '@genmod-internal/core';
import { isSchedule, type Schedule } from '../schedule.js';

/** Throws unless `schedule` is a {@link Schedule} made by this package. */
export function checkSchedule(fn: string, schedule: unknown, arg = 'schedule'): Schedule {
  if (!isSchedule(schedule)) {
    fail(fn, arg, 'a Schedule (from linearSchedule, cosineSchedule, scheduleFromBetas, …)', schedule === undefined ? 'undefined' : typeof schedule === 'object' ? 'an object that is not a Schedule' : schedule);
  }
  return schedule;
}
