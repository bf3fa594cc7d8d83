export declare const root: string;
export declare const PAGE_EXAMPLES: [string, number][];
export declare function globalName(pkg: string): string;
export declare function toScript(tsCode: string, name: string): string;
export declare function pageExamples(): string;
