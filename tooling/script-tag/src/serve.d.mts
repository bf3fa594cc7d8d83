export declare const SERVED: string[];
export declare function fileFor(path: string): string | undefined;
export declare function servePage(): Promise<{ url: string; close(): Promise<void> }>;
