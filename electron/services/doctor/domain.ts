import type { doctorChannels } from '#contract/doctor.js';
import type { BackendContext, Domain } from '../../domain.js';
import { DoctorService } from './doctor-service.js';

export function doctorDomain(ctx: BackendContext): Domain<keyof typeof doctorChannels> {
  const doctor = new DoctorService(ctx);
  return {
    handlers: {
      'doctor:run': (request) => doctor.run(request),
      'doctor:fix': (request) => doctor.fix(request),
      'doctor:health': ({ tenant }) => doctor.health(tenant),
      'doctor:bundle': (request) => doctor.bundle(request),
    },
  };
}
