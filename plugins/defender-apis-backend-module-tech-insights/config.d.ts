import { HumanDuration } from '@backstage/types';

export interface Config {
  techInsights?: {
    factRetrievers?: {
      /**
       * Schedule and fact lifecycle of the Defender for APIs fact retriever. The tech-insights
       * backend runs only fact retrievers that have an entry here.
       */
      defenderApisFactRetriever?: {
        /**
         * Cron expression of when the retriever runs, e.g. '*\/30 * * * *' (every 30 minutes).
         * The Defender for APIs backend refreshes from Azure every 30 minutes by default, so
         * running more often adds no news.
         */
        cadence: string;
        /**
         * How long stored facts are kept ({ timeToLive: { days: 7 } }) or how many are kept per
         * entity ({ maxItems: 10 }). Without it, facts are never deleted.
         */
        lifecycle?: { timeToLive: HumanDuration } | { maxItems: number };
        /** Time limit of one run; the tech-insights default is 5 minutes. */
        timeout?: HumanDuration;
        /** Delay before the first run after start-up; the tech-insights default is 5 seconds. */
        initialDelay?: HumanDuration;
      };
    };
  };
}
