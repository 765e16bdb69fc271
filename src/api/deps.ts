/** What the API needs from the rest of the service; passed in so tests can run several side by side. */
import type { Config } from '../../env/default_env.js';
import type { JobService } from '../queue/job-service.js';

export interface ApiDeps {
  config: Config;
  jobs: JobService;
}
