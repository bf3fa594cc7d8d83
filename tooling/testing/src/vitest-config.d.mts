export declare const setupFile: string;
export declare function genmodTestConfig(extra?: { testTimeout?: number }): {
  test: {
    environment: 'node';
    setupFiles: string[];
    include: string[];
    reporters: string[];
    outputFile: { json: string };
    testTimeout: number;
    pool: 'forks';
    isolate: boolean;
  };
};
