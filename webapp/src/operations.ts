// Every GraphQL operation of the app, typed by `npm run codegen` from ../schema.graphql.
import { graphql } from "./gql";

export const LOGIN = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
      user { id email role mustChangePassword }
      userErrors { field code message }
    }
  }
`);

export const PASSWORD_CHANGE = graphql(`
  mutation PasswordChange($input: PasswordChangeInput!) {
    passwordChange(input: $input) {
      user { id email role mustChangePassword }
      userErrors { field code message }
    }
  }
`);

export const LOGOUT = graphql(`
  mutation Logout {
    logout { loggedOut userErrors { field code message } }
  }
`);

export const WORKSPACE = graphql(`
  query Workspace {
    currentUser { id email role mustChangePassword }
    organization { id name datevEnabled customersReadOnly }
  }
`);

export const CUSTOMERS = graphql(`
  query Customers($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter) {
    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter,
              sort: { field: CUSTOMER_NUMBER, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        node { id customerNumber displayName email status defaultAddress { id city } }
      }
    }
  }
`);

export const ADDRESS_FIELDS = graphql(`
  fragment AddressFields on Address {
    id type isDefault companyName firstName lastName addition street houseNumber zip city countryCode email
  }
`);

export const CUSTOMER = graphql(`
  query Customer($id: ID!) {
    customer(id: $id) {
      id customerNumber type status displayName companyName firstName lastName
      email invoiceEmail phone vatId version archivedAt
      datev { debtorNumber }
      defaultAddress { ...AddressFields }
      differingInvoiceAddress { ...AddressFields }
      addresses { ...AddressFields }
    }
  }
`);

export const DELETION_BLOCKERS = graphql(`
  query DeletionBlockers($id: ID!) {
    customer(id: $id) { id deletionBlockers { code count } }
  }
`);

export const CUSTOMER_CREATE = graphql(`
  mutation CustomerCreate($input: CustomerCreateInput!) {
    customerCreate(input: $input) {
      customer { id customerNumber }
      userErrors { field code message }
    }
  }
`);

export const CUSTOMER_UPDATE = graphql(`
  mutation CustomerUpdate($input: CustomerUpdateInput!) {
    customerUpdate(input: $input) {
      customer { id version }
      userErrors { field code message }
    }
  }
`);

export const CUSTOMER_ARCHIVE = graphql(`
  mutation CustomerArchive($input: CustomerIdInput!) {
    customerArchive(input: $input) {
      customer { id status }
      userErrors { field code message }
    }
  }
`);

export const CUSTOMER_RESTORE = graphql(`
  mutation CustomerRestore($input: CustomerIdInput!) {
    customerRestore(input: $input) {
      customer { id status }
      userErrors { field code message }
    }
  }
`);

export const CUSTOMER_DELETE = graphql(`
  mutation CustomerDelete($input: CustomerIdInput!) {
    customerDelete(input: $input) {
      deletedCustomerId
      userErrors { field code message }
    }
  }
`);

export const ADDRESS_UPDATE = graphql(`
  mutation AddressUpdate($input: AddressUpdateInput!) {
    addressUpdate(input: $input) {
      address { ...AddressFields }
      userErrors { field code message }
    }
  }
`);

export const CUSTOMERS_EXPORT = graphql(`
  mutation CustomersExport($input: CustomersExportInput) {
    customersExport(input: $input) {
      exportJob { id status }
      userErrors { field code message }
    }
  }
`);

export const EXPORT_JOB = graphql(`
  query ExportJob($id: ID!) {
    exportJob(id: $id) { id status rowCount url errorMessage }
  }
`);

export const CUSTOMERS_IMPORT = graphql(`
  mutation CustomersImport($input: CustomersImportInput!) {
    customersImport(input: $input) {
      importJob { id status }
      userErrors { field code message }
    }
  }
`);

export const IMPORT_JOB = graphql(`
  query ImportJob($id: ID!) {
    importJob(id: $id) {
      id status dryRun rowsTotal rowsProcessed errorMessage
      result { dryRun rowsTotal created updated errors { row column code message } }
    }
  }
`);
