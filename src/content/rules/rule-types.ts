// The native rule's types live in shared/ (detect/ may import only shared/); loaders keep this path.
export * from '../../shared/native-rule.ts'
