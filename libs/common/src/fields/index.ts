export { HOST_NAME, isAddress, isHostName, isHttpUrl } from './field-rules.js';
export {
  address, fieldMeta, fieldIssue, fieldProblem, refined, flag, headers, hostName, httpUrl, int, intList, matching, oneOf, port, rule, secret, stringList, tagged, text, userRegex,
  type FieldMeta, type FieldShape, type SettingsOf,
} from './fields.js';
export { formFieldsOf, labelOf, type FormField, type FormInput } from './form-fields.js';
export { checkSettings, egressProblem, isRequired, secretPaths, metaOf, requiredKeys, type AddressJudge, type SettingsWords } from './check-settings.js';
