import { courseService } from '../../domain/training/courses';
import { planService } from '../../domain/training/plan';
import { importMappingService } from '../../domain/training/import-mapping';
import { trainingService } from '../../domain/training/service';
import { importService } from '../../domain/training/import-job';
import { importQueue, importTimings } from '../jobs/import-queue';
import { s3ImportFiles } from '../storage/imports';
import { deps } from '../shared/deps';

/** Training use cases wired to their adapters (the training handler and the local seed use them). */
export function trainingServices() {
  const d = deps();
  return {
    courses: courseService({ store: d.courses, clock: d.clock, ids: d.ids }),
    plans: planService({ plans: d.plans, courses: d.courses, authorityExists: d.authorities.exists, clock: d.clock, ids: d.ids }),
    importMappings: importMappingService({ mappings: d.importMappings, plans: d.plans, authorityExists: d.authorities.exists, clock: d.clock, ids: d.ids }),
    training: trainingService({ ...d, timings: importTimings() }),
    imports: importService({ ...d, files: s3ImportFiles, queue: importQueue(), timings: importTimings() }),
  };
}
