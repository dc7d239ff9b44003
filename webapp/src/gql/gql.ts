/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation PasswordChange($input: PasswordChangeInput!) {\n    passwordChange(input: $input) {\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n": typeof types.PasswordChangeDocument,
    "\n  mutation Logout {\n    logout { loggedOut userErrors { field code message } }\n  }\n": typeof types.LogoutDocument,
    "\n  query Workspace {\n    currentUser { id email role mustChangePassword }\n    organization { id name datevEnabled customersReadOnly }\n  }\n": typeof types.WorkspaceDocument,
    "\n  query Customers($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter) {\n    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter,\n              sort: { field: CUSTOMER_NUMBER, direction: ASC }) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id customerNumber displayName email status defaultAddress { id city } }\n      }\n    }\n  }\n": typeof types.CustomersDocument,
    "\n  fragment AddressFields on Address {\n    id type isDefault companyName firstName lastName addition street houseNumber zip city countryCode email\n  }\n": typeof types.AddressFieldsFragmentDoc,
    "\n  query Customer($id: ID!) {\n    customer(id: $id) {\n      id customerNumber type status displayName companyName firstName lastName\n      email invoiceEmail phone vatId version archivedAt\n      datev { debtorNumber }\n      defaultAddress { ...AddressFields }\n      differingInvoiceAddress { ...AddressFields }\n      addresses { ...AddressFields }\n    }\n  }\n": typeof types.CustomerDocument,
    "\n  query DeletionBlockers($id: ID!) {\n    customer(id: $id) { id deletionBlockers { code count } }\n  }\n": typeof types.DeletionBlockersDocument,
    "\n  mutation CustomerCreate($input: CustomerCreateInput!) {\n    customerCreate(input: $input) {\n      customer { id customerNumber }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomerCreateDocument,
    "\n  mutation CustomerUpdate($input: CustomerUpdateInput!) {\n    customerUpdate(input: $input) {\n      customer { id version }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomerUpdateDocument,
    "\n  mutation CustomerArchive($input: CustomerIdInput!) {\n    customerArchive(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomerArchiveDocument,
    "\n  mutation CustomerRestore($input: CustomerIdInput!) {\n    customerRestore(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomerRestoreDocument,
    "\n  mutation CustomerDelete($input: CustomerIdInput!) {\n    customerDelete(input: $input) {\n      deletedCustomerId\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomerDeleteDocument,
    "\n  mutation AddressUpdate($input: AddressUpdateInput!) {\n    addressUpdate(input: $input) {\n      address { ...AddressFields }\n      userErrors { field code message }\n    }\n  }\n": typeof types.AddressUpdateDocument,
    "\n  mutation CustomersExport($input: CustomersExportInput) {\n    customersExport(input: $input) {\n      exportJob { id status }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomersExportDocument,
    "\n  query ExportJob($id: ID!) {\n    exportJob(id: $id) { id status rowCount url errorMessage }\n  }\n": typeof types.ExportJobDocument,
    "\n  mutation CustomersImport($input: CustomersImportInput!) {\n    customersImport(input: $input) {\n      importJob { id status }\n      userErrors { field code message }\n    }\n  }\n": typeof types.CustomersImportDocument,
    "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      id status dryRun rowsTotal rowsProcessed errorMessage\n      result { dryRun rowsTotal created updated errors { row column code message } }\n    }\n  }\n": typeof types.ImportJobDocument,
};
const documents: Documents = {
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation PasswordChange($input: PasswordChangeInput!) {\n    passwordChange(input: $input) {\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n": types.PasswordChangeDocument,
    "\n  mutation Logout {\n    logout { loggedOut userErrors { field code message } }\n  }\n": types.LogoutDocument,
    "\n  query Workspace {\n    currentUser { id email role mustChangePassword }\n    organization { id name datevEnabled customersReadOnly }\n  }\n": types.WorkspaceDocument,
    "\n  query Customers($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter) {\n    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter,\n              sort: { field: CUSTOMER_NUMBER, direction: ASC }) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id customerNumber displayName email status defaultAddress { id city } }\n      }\n    }\n  }\n": types.CustomersDocument,
    "\n  fragment AddressFields on Address {\n    id type isDefault companyName firstName lastName addition street houseNumber zip city countryCode email\n  }\n": types.AddressFieldsFragmentDoc,
    "\n  query Customer($id: ID!) {\n    customer(id: $id) {\n      id customerNumber type status displayName companyName firstName lastName\n      email invoiceEmail phone vatId version archivedAt\n      datev { debtorNumber }\n      defaultAddress { ...AddressFields }\n      differingInvoiceAddress { ...AddressFields }\n      addresses { ...AddressFields }\n    }\n  }\n": types.CustomerDocument,
    "\n  query DeletionBlockers($id: ID!) {\n    customer(id: $id) { id deletionBlockers { code count } }\n  }\n": types.DeletionBlockersDocument,
    "\n  mutation CustomerCreate($input: CustomerCreateInput!) {\n    customerCreate(input: $input) {\n      customer { id customerNumber }\n      userErrors { field code message }\n    }\n  }\n": types.CustomerCreateDocument,
    "\n  mutation CustomerUpdate($input: CustomerUpdateInput!) {\n    customerUpdate(input: $input) {\n      customer { id version }\n      userErrors { field code message }\n    }\n  }\n": types.CustomerUpdateDocument,
    "\n  mutation CustomerArchive($input: CustomerIdInput!) {\n    customerArchive(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n": types.CustomerArchiveDocument,
    "\n  mutation CustomerRestore($input: CustomerIdInput!) {\n    customerRestore(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n": types.CustomerRestoreDocument,
    "\n  mutation CustomerDelete($input: CustomerIdInput!) {\n    customerDelete(input: $input) {\n      deletedCustomerId\n      userErrors { field code message }\n    }\n  }\n": types.CustomerDeleteDocument,
    "\n  mutation AddressUpdate($input: AddressUpdateInput!) {\n    addressUpdate(input: $input) {\n      address { ...AddressFields }\n      userErrors { field code message }\n    }\n  }\n": types.AddressUpdateDocument,
    "\n  mutation CustomersExport($input: CustomersExportInput) {\n    customersExport(input: $input) {\n      exportJob { id status }\n      userErrors { field code message }\n    }\n  }\n": types.CustomersExportDocument,
    "\n  query ExportJob($id: ID!) {\n    exportJob(id: $id) { id status rowCount url errorMessage }\n  }\n": types.ExportJobDocument,
    "\n  mutation CustomersImport($input: CustomersImportInput!) {\n    customersImport(input: $input) {\n      importJob { id status }\n      userErrors { field code message }\n    }\n  }\n": types.CustomersImportDocument,
    "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      id status dryRun rowsTotal rowsProcessed errorMessage\n      result { dryRun rowsTotal created updated errors { row column code message } }\n    }\n  }\n": types.ImportJobDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PasswordChange($input: PasswordChangeInput!) {\n    passwordChange(input: $input) {\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation PasswordChange($input: PasswordChangeInput!) {\n    passwordChange(input: $input) {\n      user { id email role mustChangePassword }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout { loggedOut userErrors { field code message } }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout { loggedOut userErrors { field code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workspace {\n    currentUser { id email role mustChangePassword }\n    organization { id name datevEnabled customersReadOnly }\n  }\n"): (typeof documents)["\n  query Workspace {\n    currentUser { id email role mustChangePassword }\n    organization { id name datevEnabled customersReadOnly }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Customers($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter) {\n    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter,\n              sort: { field: CUSTOMER_NUMBER, direction: ASC }) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id customerNumber displayName email status defaultAddress { id city } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Customers($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter) {\n    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter,\n              sort: { field: CUSTOMER_NUMBER, direction: ASC }) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges {\n        node { id customerNumber displayName email status defaultAddress { id city } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AddressFields on Address {\n    id type isDefault companyName firstName lastName addition street houseNumber zip city countryCode email\n  }\n"): (typeof documents)["\n  fragment AddressFields on Address {\n    id type isDefault companyName firstName lastName addition street houseNumber zip city countryCode email\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Customer($id: ID!) {\n    customer(id: $id) {\n      id customerNumber type status displayName companyName firstName lastName\n      email invoiceEmail phone vatId version archivedAt\n      datev { debtorNumber }\n      defaultAddress { ...AddressFields }\n      differingInvoiceAddress { ...AddressFields }\n      addresses { ...AddressFields }\n    }\n  }\n"): (typeof documents)["\n  query Customer($id: ID!) {\n    customer(id: $id) {\n      id customerNumber type status displayName companyName firstName lastName\n      email invoiceEmail phone vatId version archivedAt\n      datev { debtorNumber }\n      defaultAddress { ...AddressFields }\n      differingInvoiceAddress { ...AddressFields }\n      addresses { ...AddressFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeletionBlockers($id: ID!) {\n    customer(id: $id) { id deletionBlockers { code count } }\n  }\n"): (typeof documents)["\n  query DeletionBlockers($id: ID!) {\n    customer(id: $id) { id deletionBlockers { code count } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomerCreate($input: CustomerCreateInput!) {\n    customerCreate(input: $input) {\n      customer { id customerNumber }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomerCreate($input: CustomerCreateInput!) {\n    customerCreate(input: $input) {\n      customer { id customerNumber }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomerUpdate($input: CustomerUpdateInput!) {\n    customerUpdate(input: $input) {\n      customer { id version }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomerUpdate($input: CustomerUpdateInput!) {\n    customerUpdate(input: $input) {\n      customer { id version }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomerArchive($input: CustomerIdInput!) {\n    customerArchive(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomerArchive($input: CustomerIdInput!) {\n    customerArchive(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomerRestore($input: CustomerIdInput!) {\n    customerRestore(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomerRestore($input: CustomerIdInput!) {\n    customerRestore(input: $input) {\n      customer { id status }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomerDelete($input: CustomerIdInput!) {\n    customerDelete(input: $input) {\n      deletedCustomerId\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomerDelete($input: CustomerIdInput!) {\n    customerDelete(input: $input) {\n      deletedCustomerId\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddressUpdate($input: AddressUpdateInput!) {\n    addressUpdate(input: $input) {\n      address { ...AddressFields }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation AddressUpdate($input: AddressUpdateInput!) {\n    addressUpdate(input: $input) {\n      address { ...AddressFields }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomersExport($input: CustomersExportInput) {\n    customersExport(input: $input) {\n      exportJob { id status }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomersExport($input: CustomersExportInput) {\n    customersExport(input: $input) {\n      exportJob { id status }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportJob($id: ID!) {\n    exportJob(id: $id) { id status rowCount url errorMessage }\n  }\n"): (typeof documents)["\n  query ExportJob($id: ID!) {\n    exportJob(id: $id) { id status rowCount url errorMessage }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CustomersImport($input: CustomersImportInput!) {\n    customersImport(input: $input) {\n      importJob { id status }\n      userErrors { field code message }\n    }\n  }\n"): (typeof documents)["\n  mutation CustomersImport($input: CustomersImportInput!) {\n    customersImport(input: $input) {\n      importJob { id status }\n      userErrors { field code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      id status dryRun rowsTotal rowsProcessed errorMessage\n      result { dryRun rowsTotal created updated errors { row column code message } }\n    }\n  }\n"): (typeof documents)["\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      id status dryRun rowsTotal rowsProcessed errorMessage\n      result { dryRun rowsTotal created updated errors { row column code message } }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;